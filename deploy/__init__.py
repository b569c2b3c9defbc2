"""Starting and supervising the servers: make run, make run-cluster, the model and page servers, readiness."""
