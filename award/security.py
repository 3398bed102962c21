import json
import logging


def axes_username(request, credentials) -> str:
    """Count failures per account whatever the capitalisation of the email typed."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line, for log collectors (LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
