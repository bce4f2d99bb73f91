"""Place search forgives spelling: umlauts written out or dropped, other scripts, typos."""

import pytest

from integrationsatlas.finder import places

RESULTS = "/suche/ergebnisse/"


def test_fold_brings_spellings_together():
    assert {places.fold(s) for s in ("Görlitz", "Goerlitz", "Gorlitz", "GÖRLITZ", "Горліц")} == {
        "gorlits"
    }
    assert places.fold("Chemnitz") == places.fold("Хемніц")
    assert places.fold("Leipzig") == places.fold("Лейпциг")
    assert places.fold("Bautzen") == places.fold("Баутцен")


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Goerlitz", "Gorlitz", "Горліц", "görlitz", "GOERLITZ"])
def test_goerlitz_in_every_spelling(typed):
    resolution = places.resolve(typed)
    assert resolution.place is not None, resolution
    assert (resolution.place.ags, resolution.place.name) == ("14626110", "Görlitz")


@pytest.mark.django_db
def test_a_typo_is_forgiven_when_one_place_is_clearly_meant():
    assert places.resolve("Dresdn").place.name == "Dresden"


@pytest.mark.django_db
def test_unclear_typing_offers_similar_places_and_nonsense_finds_nothing():
    assert places.resolve("Bad Schanda").place.name == "Bad Schandau"
    assert places.resolve("Zwikau").place.name == "Zwickau"
    unclear = places.resolve("Radebeull Ost")
    assert (unclear.place, unclear.problem) == (None, "did_you_mean")
    assert [p.name for p in unclear.choices] == ["Radebeul"]
    arabic = places.resolve("غورليتس")  # "Görlitz" typed in Arabic script
    assert arabic.problem == "did_you_mean" and arabic.choices[0].name == "Görlitz"
    assert places.resolve("Xqzvbnm").problem == "unknown"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Goerlitz", "Gorlitz", "Горліц"])
def test_results_page_finds_goerlitz(client, typed):
    response = client.get(RESULTS, {"art": "mbe", "ort": typed})
    assert response.status_code == 200
    assert "Görlitz" in response.content.decode()


@pytest.mark.django_db
def test_did_you_mean_page_lists_similar_places(client):
    response = client.get(RESULTS, {"art": "mbe", "ort": "Radebeull Ost"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Meinten Sie" in html and "Radebeul" in html


@pytest.mark.django_db
def test_suggestions_answer_cyrillic_typing(client):
    response = client.get("/suche/orte.json", {"q": "Горлі"})
    assert response.status_code == 200
    assert [s["ags"] for s in response.json()["places"]][:1] == ["14626110"]
