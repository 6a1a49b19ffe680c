"""The customer tracking page (issue 7): links bound to one ticket and what a link may show."""
