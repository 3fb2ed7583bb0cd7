"""Transport: HTTP pages, the JSON API and WebSockets around `services.Workshop`."""
