"""Annual series: assembly, trends and answers; reconciliation with publishers; context topics."""
