"""The customer tracking page: links bound to one ticket and what a link may show."""
