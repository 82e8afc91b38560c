using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printSecret: TYPE and DATA (number of keys).</summary>
internal sealed class SecretPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Type", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
        Printing.Columns.Str("Data", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
        Printing.Columns.Age,
    ];

    // stringData is merged into data on write; count the union in case a caller prints an unmerged object.
    public object?[] Cells(JsonObject s, DateTimeOffset now)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, _) in Obj(s, "data") ?? []) keys.Add(k);
        foreach (var (k, _) in Obj(s, "stringData") ?? []) keys.Add(k);
        return [ObjectMetaRead.Name(s), Str(s, "type") is { Length: > 0 } t ? t : "Opaque", (long)keys.Count, ObjectMetaRead.Age(s, now)];
    }
}

/// <summary>printers.go printConfigMap: DATA counts data plus binaryData keys.</summary>
internal sealed class ConfigMapPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Data", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
        Printing.Columns.Age,
    ];

    public object?[] Cells(JsonObject cm, DateTimeOffset now) =>
        [ObjectMetaRead.Name(cm), (long)(Count(cm, "data") + Count(cm, "binaryData")), ObjectMetaRead.Age(cm, now)];
}

/// <summary>printers.go printServiceAccount: SECRETS is the number of listed secrets.</summary>
internal sealed class ServiceAccountPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a \"kubernetes.io/enforce-mountable-secrets\" annotation set to \"true\". The \"kubernetes.io/enforce-mountable-secrets\" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret"),
        Printing.Columns.Age,
    ];

    public object?[] Cells(JsonObject sa, DateTimeOffset now) =>
        [ObjectMetaRead.Name(sa), (long)Count(sa, "secrets"), ObjectMetaRead.Age(sa, now)];
}

/// <summary>printers.go printLease: HOLDER is spec.holderIdentity.</summary>
internal sealed class LeasePrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Holder", "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field."),
        Printing.Columns.Age,
    ];

    public object?[] Cells(JsonObject lease, DateTimeOffset now) =>
        [ObjectMetaRead.Name(lease), Str(lease, "spec", "holderIdentity"), ObjectMetaRead.Age(lease, now)];
}

/// <summary>The apiserver's default table convertor for types without a printer: NAME and CREATED AT (RFC 3339).</summary>
internal sealed class DefaultPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        new TableColumn("Created At", "date", "", Printing.Columns.CreationTimestampDescription),
    ];

    public object?[] Cells(JsonObject obj, DateTimeOffset now)
    {
        var created = Time(obj, "metadata", "creationTimestamp") ?? DateTimeOffset.MinValue;
        return [ObjectMetaRead.Name(obj), created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")];
    }
}
