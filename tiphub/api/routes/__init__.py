"""One router per resource; every handler is one Hub call."""
