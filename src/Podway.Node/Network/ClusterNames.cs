namespace Podway.Node.Network;

/// <summary>
/// Kernel objects of a cluster are `podway-NAME[-*]` or `pwNAME[-*]` (same rule as the app's ClusterKernelObjects);
/// matching stops at '-' so cluster "a" never touches cluster "ab".
/// </summary>
internal static class ClusterNames
{
    public static bool Owns(string objectName, string clusterName) =>
        new[] { $"podway-{clusterName}", $"pw{clusterName}" }
            .Any(p => objectName == p || objectName.StartsWith(p + "-", StringComparison.Ordinal));
}
