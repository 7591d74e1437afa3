"""The split of the guides between the loader and its child: the more data/ to read, the fewer guides it parses."""
from generator.load import _data_bytes, _main_share


def test_the_share_follows_the_data_tables():
    assert _main_share(5000, 2_830_000) == 2215  # the bench without barres: 44 %, as the former fixed 45 %
    assert _main_share(5000, 4_160_000) == 1939  # with 36,000 barres: the child parses 61 % of the guides
    assert _main_share(5000, 0) > 2500  # nothing else to read: this process takes the larger part
    assert _main_share(400, 50_000_000) == 0 and _main_share(400, 0) <= 400


def test_data_bytes_count_every_file_under_data(sample_site_dir):
    (sample_site_dir / "data" / "barres").mkdir()
    (sample_site_dir / "data" / "barres" / "2027.csv").write_text("x" * 1000, encoding="utf-8")
    expected = sum(p.stat().st_size for p in (sample_site_dir / "data").rglob("*") if p.is_file())
    assert _data_bytes(sample_site_dir) == expected
