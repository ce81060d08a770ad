"""Logging configuration, applied before the app starts."""

import logging.config


def configure_logging(level: str = "INFO") -> None:
    """Send every `labolien.*` logger to stderr with a timestamp and the component."""
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            },
            "handlers": {
                "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
            },
            "loggers": {
                "labolien": {"level": level, "handlers": ["stderr"], "propagate": False},
                "rq.worker": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
                "rq.cron": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            },
        }
    )
