namespace Podway.ApiServer.Http;

/// <summary>
/// go-yaml's guard against alias bombs (CVE-2019-11253, what kube's YAML decoder refuses as "document contains
/// excessive aliasing"): the share of nodes produced by expanding aliases may not pass a ratio that falls from 99%
/// for documents of up to 400,000 nodes to 10% from 4,000,000. Podway adds a byte budget: the scalars of the
/// expanded document may not add up to more than a JSON body may hold, since an alias of one long string costs
/// go-yaml one node but costs every reader of the stored object its full length.
/// </summary>
internal sealed class YamlAliasBudget
{
    const long RatioRangeLow = 400_000;
    const long RatioRangeHigh = 4_000_000;

    long _decodeCount;
    long _aliasCount;
    long _scalarBytes;

    /// <summary>Counts one node read from the document itself (its scalar bytes too).</summary>
    public void CountNode(long scalarBytes)
    {
        _decodeCount++;
        _scalarBytes += scalarBytes;
    }

    /// <summary>Counts the nodes and bytes an alias expands to; false when that is excessive aliasing.</summary>
    public bool TryExpandAlias(long nodes, long scalarBytes)
    {
        _decodeCount += nodes;
        _aliasCount += nodes;
        _scalarBytes += scalarBytes;
        if (_scalarBytes > BodyLimits.MaxBodyBytes) return false;
        return !(_aliasCount > 100 && _decodeCount > 1000 && (double)_aliasCount / _decodeCount > AllowedAliasRatio(_decodeCount));
    }

    static double AllowedAliasRatio(long decodeCount) => decodeCount switch
    {
        <= RatioRangeLow => 0.99,
        >= RatioRangeHigh => 0.10,
        _ => 0.99 - 0.89 * ((double)(decodeCount - RatioRangeLow) / (RatioRangeHigh - RatioRangeLow)),
    };
}
