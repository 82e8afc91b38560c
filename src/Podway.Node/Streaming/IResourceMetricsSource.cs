namespace Podway.Node.Streaming;

/// <summary>The kubelet's /metrics/resource document (Prometheus text), what metrics-server scrapes.</summary>
public interface IResourceMetricsSource
{
    string Render();
}
