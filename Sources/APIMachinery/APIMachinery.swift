/// Kubernetes API machinery over `Objects.Value`: server-side table printing, strategic
/// merge patch, server-side apply field ownership. Pure functions, no I/O; the API server
/// uses them to answer kubectl the way kube-apiserver does.
public enum APIMachinery {}
