"""Start an RQ worker with the app's settings: `python worker.py [--burst] [--no-cron]`.

The worker builds the app once, with the job modules preloaded, so that
each forked work horse starts with them. It sweeps the e-mail outbox once,
then works the queue named by RQ_QUEUE_NAME on REDIS_URL.

Unless `--no-cron` is given, a child process runs RQ's cron scheduler,
which enqueues the outbox sweep every OUTBOX_SWEEP_INTERVAL seconds (60 by
default). The sweep enqueues again the e-mails whose job was lost with
Redis, whose job failed, or whose worker stopped while sending, so such
incidents delay e-mails without losing them. Several workers may each run
a scheduler: a Redis lock lets one sweep run per interval.
"""

import argparse
import logging
import multiprocessing
import sys
import time

from redis import Redis
from redis.exceptions import RedisError
from rq import Worker
from rq.cron import CronScheduler
from rq.exceptions import StopRequested

from app import create_app, jobs
from app.database import database
from app.logging_setup import configure_logging

log = logging.getLogger("labolien.worker")

# Seconds the cron process waits before it starts again after losing Redis.
CRON_RESTART_DELAY = 10


class PromptListenerStop:
    """Stops RQ's command listener thread without waiting up to a minute for it.

    RQ 3.0 listens for worker commands in a thread that polls every 60 s,
    and stops it with PubSubWorkerThread.stop(), which in redis-py 8 joins
    the thread with no timeout, so a worker took up to 60 s to stop. The
    thread is a daemon: one still waiting after a second ends with the
    process, and closes its own connection if it ends first.
    """

    def unsubscribe(self) -> None:
        """Unsubscribe from the worker's command channel, waiting at most a second."""
        if not self.pubsub_thread:
            return
        self.pubsub.unsubscribe()
        self.pubsub_thread.stop(timeout=1)
        if not self.pubsub_thread.is_alive():
            self.pubsub.close()


class AppWorker(PromptListenerStop, Worker):
    """RQ's forking worker, whose work horses close their database connections before exiting."""

    def perform_job(self, job, queue, execution) -> bool:
        """Run one job; in a work horse, then close the pooled connections it opened."""
        try:
            return super().perform_job(job, queue, execution)
        finally:
            if self.is_horse:
                database.close_all()


def main(argv: list[str] | None = None) -> int:
    """Build the app, sweep the outbox, start the cron process, and work the queue."""
    args = _parse_arguments(argv)
    app = create_app()
    redis_url = app.config["REDIS_URL"]
    if not redis_url:
        sys.exit(
            "REDIS_URL is not set: the worker needs Redis, "
            "for example REDIS_URL=redis://127.0.0.1:6379/0."
        )

    queue_name = app.config["RQ_QUEUE_NAME"]
    with app.app_context():
        connection = app.extensions["redis"]
        interval = jobs.sweep_interval()
        _sweep_once()
        # Work horses are forked: none may inherit a pooled connection of this process.
        database.close_all()

        cron = None if args.no_cron else _start_cron(redis_url, queue_name, interval)
        try:
            worker = AppWorker([queue_name], connection=connection)
            worker.work(burst=args.burst, logging_level=app.config["LOG_LEVEL"])
        finally:
            if cron is not None:
                cron.terminate()
                cron.join(timeout=10)
    return 0


def _parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Labolien's RQ worker: e-mails and exports.")
    parser.add_argument(
        "--burst", action="store_true", help="stop once the queue is empty instead of waiting"
    )
    parser.add_argument(
        "--no-cron",
        action="store_true",
        help="do not start the process that enqueues the outbox sweep periodically",
    )
    return parser.parse_args(argv)


def _sweep_once() -> None:
    """Sweep the outbox before working, so e-mails left by a stopped worker leave now."""
    try:
        jobs.sweep_outbox()
    except RedisError:
        log.exception("outbox sweep at start failed: Redis unreachable")


def _start_cron(redis_url: str, queue_name: str, interval: int) -> multiprocessing.Process:
    # A spawned process starts clean: no inherited database or Redis connection.
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=run_cron,
        args=(redis_url, queue_name, interval, logging.getLevelName(log.getEffectiveLevel())),
        name="labolien-outbox-cron",
        daemon=True,
    )
    process.start()
    log.info("outbox sweep scheduled every %s s (cron process %s)", interval, process.pid)
    return process


def build_cron_scheduler(connection: Redis, queue_name: str, interval: int) -> CronScheduler:
    """Return an RQ cron scheduler that enqueues the outbox sweep every `interval` seconds."""
    scheduler = CronScheduler(connection=connection)
    scheduler.register(jobs.sweep_outbox, queue_name, interval=interval)
    return scheduler


def run_cron(redis_url: str, queue_name: str, interval: int, log_level: str = "INFO") -> None:
    """Run the cron scheduler until stopped by a signal, starting it again after a Redis outage."""
    configure_logging(log_level)
    while True:
        scheduler = build_cron_scheduler(Redis.from_url(redis_url), queue_name, interval)
        try:
            scheduler.start()
            return
        except RedisError:
            log.exception("outbox cron lost Redis; starting again in %s s", CRON_RESTART_DELAY)
        try:
            time.sleep(CRON_RESTART_DELAY)
        except StopRequested:
            # The scheduler's signal handler is still installed while waiting.
            return


if __name__ == "__main__":
    sys.exit(main())
