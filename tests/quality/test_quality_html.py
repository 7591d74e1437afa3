"""Every page the generator writes is valid HTML for the Nu validator (one Java start for all)."""
import carriere_kit as kit


def test_every_built_page_is_valid_html(built_site):
    _, folder = built_site
    pages = sorted(folder.rglob("*.html"))
    assert len(pages) >= 15, f"le site construit ne compte que {len(pages)} pages HTML"
    errors = kit.nu_errors(folder)
    assert not errors, f"{len(errors)} erreur(s) du validateur Nu :\n" + "\n".join(errors)
