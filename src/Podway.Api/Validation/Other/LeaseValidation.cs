namespace Podway.Api.Validation;

/// <summary>coordination.k8s.io/v1 Lease, after ValidateLeaseSpec.</summary>
internal static class LeaseValidation
{
    public static readonly IObjectValidator Lease = new KindValidator(true, NameRule.Dns1123Subdomain, (errs, lease) =>
    {
        var spec = lease.Obj("spec");
        if (spec.Int("leaseDurationSeconds") is <= 0 and var d)
            errs.Add(Errs.Invalid("spec.leaseDurationSeconds", d, "must be greater than 0"));
        if (spec.Int("leaseTransitions") is < 0 and var t)
            errs.Add(Errs.Invalid("spec.leaseTransitions", t, "must be greater than or equal to 0"));
        if (spec.Str("strategy") is { } s && s != "OldestEmulationVersion")
            errs.Add(Errs.NotSupported("spec.strategy", s, ["OldestEmulationVersion"]));
    });
}
