"""The shared plumbing of every area: database, clock, content access, security headers, errors, audit, PDFs."""
