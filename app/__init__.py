"""mirrorprop: backpropagation as the feed-forward pass run in a mirror."""
