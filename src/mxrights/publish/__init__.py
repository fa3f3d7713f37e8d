"""What readers see: the site map, pages, charts and fragments, citations, documents written from data."""
