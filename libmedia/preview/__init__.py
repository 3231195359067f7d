"""``libmedia preview``: a local web page that re-renders templates as they are edited."""
