import psycopg

from tests.pgserver import throwaway_cluster


def test_throwaway_cluster_answers_on_loopback_only():
    with throwaway_cluster() as url:
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT 1 + 1").fetchone() == (2,)
            assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
            assert conn.execute("SELECT current_setting('server_version_num')::int >= 150000").fetchone() == (True,)


def test_each_test_gets_an_empty_database(pg):
    tables = pg.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    ).fetchone()
    assert tables == (0,)
