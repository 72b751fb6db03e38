"""Several Kinko nodes, each serving some regions: replication over HTTP, forwarding.

Nodes authenticate to each other with SigV4 under one cluster principal (a shared
secret), so the whole system has one authentication mechanism.
"""
