"""Official documents: a small document model and its writers (DOCX in GB/T 9704-2012, HTML, Markdown)."""
