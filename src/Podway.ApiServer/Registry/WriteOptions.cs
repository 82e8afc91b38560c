namespace Podway.ApiServer.Registry;

/// <summary>Query options every mutating request carries (fieldManager, dryRun, fieldValidation).</summary>
public sealed record WriteOptions(string FieldManager, bool DryRun, FieldValidation FieldValidation)
{
    /// <summary>Set for server-side apply, which records its own managedFields entry ("Apply" instead of "Update").</summary>
    public bool IsApply { get; init; }

    public static readonly WriteOptions Internal = new("podway-apiserver", false, FieldValidation.Ignore);
}

public enum FieldValidation { Ignore, Warn, Strict }

public enum PropagationPolicy { Background, Foreground, Orphan }

/// <summary>metav1.DeleteOptions as it arrives in a DELETE body or query.</summary>
public sealed record DeleteOptions(PropagationPolicy? Propagation, long? GracePeriodSeconds, string? PreconditionUid, string? PreconditionResourceVersion, bool DryRun);

/// <summary>What a delete did: removed the object, or only marked it (graceful deletion or finalizers pending).</summary>
public sealed record DeleteOutcome(bool Deleted, System.Text.Json.Nodes.JsonObject Object);
