"""The RQ queue, and how jobs are enqueued once the transaction has committed."""

import logging

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue

log = logging.getLogger("labolien.queue")


def init_queue(app) -> None:
    """Store the queue in `app.extensions`, or None when no Redis URL is set."""
    url = app.config.get("REDIS_URL")
    if not url:
        app.extensions["rq_queue"] = None
        app.extensions["redis"] = None
        return
    connection = Redis.from_url(url)
    app.extensions["redis"] = connection
    app.extensions["rq_queue"] = Queue(app.config["RQ_QUEUE_NAME"], connection=connection)


def get_queue() -> Queue | None:
    return current_app.extensions.get("rq_queue")


def get_redis() -> Redis | None:
    return current_app.extensions.get("redis")


def enqueue(func, *args, job_id: str | None = None, job_timeout: int | None = None) -> bool:
    """Enqueue a job by function reference; return False if Redis is unreachable.

    Call this only after the commit of the rows the job reads. A failure
    loses nothing: the outbox keeps the rows pending, and the worker's
    periodic sweep sends them.
    """
    if current_app.config.get("RQ_EAGER"):
        func(*args)
        return True

    queue = get_queue()
    if queue is None:
        log.warning("no REDIS_URL: job %s(%s) left for the outbox sweep", func.__name__, args)
        return False
    try:
        queue.enqueue(func, *args, job_id=job_id, job_timeout=job_timeout)
    except RedisError:
        log.exception("enqueue failed for %s(%s); the outbox sweep will retry", func.__name__, args)
        return False
    return True
