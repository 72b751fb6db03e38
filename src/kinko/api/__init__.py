"""One module per AWS service Kinko speaks: operation → domain call → wire dict."""
