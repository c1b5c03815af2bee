// @hubspoke/kube-proxy: forwards each Service ClusterIP:port to the Service's ready endpoints (user-space mode).
export {};
