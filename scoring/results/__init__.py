"""The results side: finalists, winners, special awards, publication, public pages, ceremony, charts."""
