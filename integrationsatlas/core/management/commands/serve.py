"""`integrationsatlas serve`: the production web server (gunicorn) with the project's WSGI app."""

import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Startet den Produktionsserver (gunicorn)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3"))
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
        parser.add_argument("--timeout", type=int, default=60)
        parser.add_argument(
            "--keep-alive",
            type=int,
            default=int(os.environ.get("WEB_KEEPALIVE", "5")),
            help="Sekunden, die eine Verbindung offen bleibt (nur mit --threads > 1)",
        )
        parser.add_argument(
            "--preload",
            action="store_true",
            default=os.environ.get("WEB_PRELOAD", "") == "1",
            help="Die Anwendung einmal vor dem Start der Worker laden",
        )

    def handle(self, *args, bind, workers, threads, timeout, keep_alive, preload, **options):
        from gunicorn.app.wsgiapp import WSGIApplication

        argv = [
            "gunicorn",
            "integrationsatlas.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            str(timeout),
            "--keep-alive",
            str(keep_alive),
            *(["--preload"] if preload else []),
            "--access-logfile",
            "-",
            # Paths only, never query strings: search coordinates must not reach the logs.
            "--access-logformat",
            '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        ]
        # The last line `make run` prints (gunicorn logs only warnings and requests there).
        self.stdout.write(
            f"Integrationsatlas läuft auf http://{bind}/ – Demo-Konten anlegen: "
            "integrationsatlas load-demo --with-users (Passwort aus DEMO_PASSWORD, "
            "sonst einmal ausgegeben)"
        )
        sys.argv = argv
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
