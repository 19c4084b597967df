from django.urls import path

from digests import delivery_views, public_views, views

app_name = "digests"

urlpatterns = [
    path("digests/", views.digest_list, name="list"),
    path("digests/new", views.digest_new, name="new"),
    path("digests/add", views.add_from_article, name="add-from-article"),
    path("digests/<id:digest_id>", views.digest_detail, name="detail"),
    path("digests/<id:digest_id>/edit", views.digest_edit, name="edit"),
    path("digests/<id:digest_id>/delete", views.digest_delete, name="delete"),
    path("digests/<id:digest_id>/items", views.items_add, name="items-add"),
    path("digests/<id:digest_id>/items/<id:item_id>", views.item_update, name="item-update"),
    path("digests/<id:digest_id>/items/<id:item_id>/move", views.item_move, name="item-move"),
    path("digests/<id:digest_id>/items/<id:item_id>/remove", views.item_remove, name="item-remove"),
    path("digests/<id:digest_id>/order", views.section_order, name="section-order"),
    path("digests/<id:digest_id>/sections", views.section_create, name="section-create"),
    path("digests/<id:digest_id>/sections/<id:section_id>/move", views.section_move, name="section-move"),
    path("digests/<id:digest_id>/sections/<id:section_id>/rename", views.section_rename, name="section-rename"),
    path("digests/<id:digest_id>/sections/<id:section_id>/remove", views.section_remove, name="section-remove"),
    path("digests/<id:digest_id>/preview", views.digest_preview, name="preview"),
    path("digests/<id:digest_id>/publish", views.digest_publish, name="publish"),
    path("digests/<id:digest_id>/published", views.digest_published, name="published"),
    path("digests/<id:digest_id>/export/<str:fmt>", views.digest_export, name="export"),
    path("digests/<id:digest_id>/exports", views.export_start, name="export-start"),
    path("digests/<id:digest_id>/exports/<id:job_id>", views.export_job, name="export-job"),
    path("digests/<id:digest_id>/exports/<id:job_id>/download", views.export_download, name="export-download"),
    path("read/<slug:token>", public_views.digest_public, name="public"),
    path("unsubscribe/<slug:token>", public_views.unsubscribe, name="unsubscribe"),
    path("feeds/<slug:token>.atom", public_views.list_feed, name="feed"),
    path("digests/lists/", delivery_views.lists_page, name="lists"),
    path("digests/lists/<id:list_id>", delivery_views.list_detail, name="list-detail"),
    path("digests/lists/<id:list_id>/feed", delivery_views.list_feed_manage, name="list-feed"),
    path("digests/lists/<id:list_id>/recipients/<id:recipient_id>", delivery_views.recipient_change,
         name="recipient-change"),
    path("digests/<id:digest_id>/send", delivery_views.send_page, name="send"),
    path("digests/<id:digest_id>/deliveries", delivery_views.deliveries_page, name="deliveries"),
    path("digests/<id:digest_id>/deliveries/retry", delivery_views.deliveries_retry, name="deliveries-retry"),
    path("digests/<id:digest_id>/public-link", delivery_views.public_link, name="public-link"),
    path("annotations/", views.annotations_page, name="annotations"),
    path("annotations/export.<str:fmt>", views.annotations_download, name="annotations-download"),
]
