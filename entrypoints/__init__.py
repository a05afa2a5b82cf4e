"""Thin entry points (CLI, web): build a command, call a service, render the result."""
