// The kube-proxy command line (filled in by the kube-proxy work).
export {};
