namespace Podway.Api.Protobuf;

/// <summary>
/// k8s.io/apimachinery pkg/apis/meta/v1 messages (field numbers from generated.proto; presence from the Go json tags).
/// Time, MicroTime, Duration, IntOrString, Quantity and RawExtension are decoded by WellKnownTypes.
/// </summary>
internal static class MetaSchemas
{
    public static readonly Dictionary<string, string> All = new()
    {
        ["ObjectMeta"] = "1 name s; 2 generateName s; 3 namespace s; 4 selfLink s; 5 uid s; 6 resourceVersion s; 7 generation i64; " +
            "8 creationTimestamp Time!; 9 deletionTimestamp Time; 10 deletionGracePeriodSeconds i64?; 11 labels {s}; 12 annotations {s}; " +
            "13 ownerReferences OwnerReference*; 14 finalizers s*; 17 managedFields ManagedFieldsEntry*",
        ["OwnerReference"] = "5 apiVersion s!; 1 kind s!; 3 name s!; 4 uid s!; 6 controller b?; 7 blockOwnerDeletion b?",
        // ManagedFieldsEntry {1 manager, 2 operation, 3 apiVersion, 4 time, 6 fieldsType, 7 fieldsV1, 8 subresource}; FieldsV1 {1 Raw bytes}
        ["ManagedFieldsEntry"] = "1 manager s; 2 operation s; 3 apiVersion s; 4 time Time; 6 fieldsType s; 7 fieldsV1 RawExtension; 8 subresource s",
        ["ListMeta"] = "1 selfLink s; 2 resourceVersion s; 3 continue s; 4 remainingItemCount i64?",
        ["LabelSelector"] = "1 matchLabels {s}; 2 matchExpressions LabelSelectorRequirement*",
        ["LabelSelectorRequirement"] = "1 key s!; 2 operator s!; 3 values s*",
        ["Condition"] = "1 type s!; 2 status s!; 3 observedGeneration i64; 4 lastTransitionTime Time!; 5 reason s!; 6 message s!",
        ["Preconditions"] = "1 uid s?; 2 resourceVersion s?",
        ["DeleteOptions"] = "1 gracePeriodSeconds i64?; 2 preconditions Preconditions; 3 orphanDependents b?; 4 propagationPolicy s?; 5 dryRun s*; " +
            "6 ignoreStoreReadErrorWithClusterBreakingPotential b?",
    };
}
