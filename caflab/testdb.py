"""Which database `make test` uses: DATABASE_URL if set, else the local PostgreSQL if it
answers on 127.0.0.1:5432, else SQLite (with a loud warning; PostgreSQL-only tests skip).

Run as `python -m caflab.testdb`: prints the URL to use. It imports nothing from Django.
"""

import os
import socket
import sys

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/caflab"


def postgres_answers(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def main() -> None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        if postgres_answers():
            url = LOCAL_POSTGRES
        elif os.environ.get("CAFLAB_REQUIRE_POSTGRES") == "1":
            sys.stderr.write(
                "PostgreSQL ne répond pas sur 127.0.0.1:5432 (CAFLAB_REQUIRE_POSTGRES=1).\n"
            )
            sys.exit(1)
        else:
            url = "sqlite:///var/test.sqlite3"
            bar = "!" * 78
            sys.stderr.write(
                f"{bar}\n  ATTENTION : PostgreSQL est absent, les tests tournent sur SQLite.\n"
                f"  Les tests propres à PostgreSQL sont ignorés. La CI exige PostgreSQL.\n{bar}\n"
            )
    sys.stdout.write(url)


if __name__ == "__main__":
    main()
