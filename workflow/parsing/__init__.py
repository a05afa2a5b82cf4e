"""Pure parsers: drafts (.txt/.md/.docx) with their task-division table, and unit directories."""
