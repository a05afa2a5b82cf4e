"""Pure rules of tracking after issue: responsible-unit text to directory units, overdue and summaries."""
