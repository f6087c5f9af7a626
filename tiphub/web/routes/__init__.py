"""One router per group of pages; every handler parses the request, calls the Hub with the
request's principal and renders a template."""
