from articles.nlp.boilerplate import find_content_end

BODY = (
    "Le gouvernement a présenté mardi un plan de rénovation des écoles, qui doit durer cinq ans.\n"
    "Le texte prévoit des financements pour les communes rurales et un calendrier de travaux.\n"
    "Les syndicats ont salué une avancée, tout en demandant des moyens supplémentaires pour le personnel.\n"
    "Le ministre a promis un premier bilan à la rentrée prochaine, devant les élus locaux.\n"
)


def test_a_link_and_an_author_bio_after_it_are_cut():
    text = BODY + "En savoir plus\n« Lecteur passionné. Amateur de café. Ancien joueur de rugby. »"
    end = find_content_end(text)
    assert end == len(BODY) - 1
    assert text[:end].endswith("élus locaux.")


def test_related_links_share_buttons_and_copyright_are_cut():
    text = (
        BODY
        + "\nLire aussi : Les écoles rurales attendent toujours leurs travaux\n"
        + "Partager\nNewsletter\n© 2024 Le Quotidien – Tous droits réservés\n"
    )
    assert find_content_end(text) == len(BODY) - 1


def test_english_read_more_is_cut():
    body = "The council approved the budget on Tuesday after a long debate about school funding.\n" * 4
    text = body + "Read more\nSchools face another year of cuts\nShare this article\n"
    assert find_content_end(text) == len(body) - 1


def test_an_article_that_ends_with_a_quote_is_not_cut():
    text = BODY + "« Nous tiendrons nos engagements, école par école », a conclu le ministre.\n« C’est une priorité. »"
    assert find_content_end(text) is None


def test_an_inline_read_also_followed_by_more_article_is_not_cut():
    text = (
        BODY
        + "Lire aussi : le plan précédent avait pris du retard\n"
        + "Les associations de parents d’élèves ont rappelé que les précédents plans avaient souvent pris du retard.\n"
        + "Elles demandent un suivi public, commune par commune, des chantiers engagés chaque année.\n"
    )
    assert find_content_end(text) is None


def test_a_sentence_that_starts_like_a_button_is_not_cut():
    text = BODY + "Partager le pouvoir avec les régions reste la condition posée par les élus pour soutenir ce plan."
    assert find_content_end(text) is None


def test_a_last_sentence_about_copyright_is_article_content():
    text = BODY + "Copyright law reform was also approved by the same committee on Tuesday."
    assert find_content_end(text) is None
    assert find_content_end(BODY + "Copyright 2024 Le Quotidien") == len(BODY) - 1


def test_a_marker_at_the_start_of_a_short_text_is_article_content():
    assert find_content_end("Lire aussi\nLe gouvernement présente son plan.") is None


def test_text_without_boilerplate():
    assert find_content_end(BODY) is None
    assert find_content_end("") is None
