"""Repositories: the SQL (spatial SQL included) behind each aggregate. They flush, never commit."""
