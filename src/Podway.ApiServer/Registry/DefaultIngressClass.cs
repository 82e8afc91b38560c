using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Storage;

namespace Podway.ApiServer.Registry;

/// <summary>
/// kube-apiserver's DefaultIngressClass admission plugin (plugin/pkg/admission/network/defaultingressclass): an
/// Ingress created with neither spec.ingressClassName nor the legacy `kubernetes.io/ingress.class` annotation gets the
/// name of the IngressClass annotated `ingressclass.kubernetes.io/is-default-class: "true"`. Two such classes make
/// the create fail as kube's does; none leaves the Ingress without a class. Creates only, as upstream.
/// </summary>
internal static class DefaultIngressClass
{
    const string LegacyClassAnnotation = "kubernetes.io/ingress.class";
    const string IsDefaultAnnotation = "ingressclass.kubernetes.io/is-default-class";

    public static void Admit(IObjectStore store, JsonObject ingress)
    {
        var spec = ingress["spec"] as JsonObject;
        if (spec?["ingressClassName"] is not null) return;
        if (ingress.Metadata()["annotations"] is JsonObject annotations && annotations.ContainsKey(LegacyClassAnnotation)) return;
        var defaults = store.List(BuiltinResources.IngressClass.StorageKey, null).Items
            .Select(c => c.Parse().Metadata())
            .Where(m => (m["annotations"] as JsonObject)?[IsDefaultAnnotation]?.GetValue<string>() == "true")
            .Select(m => m.Str("name") ?? "")
            .ToList();
        if (defaults.Count == 0) return;
        if (defaults.Count > 1)
            throw ApiException.Forbidden($"{BuiltinResources.Ingress.GroupResource} \"{ingress.Name()}\" is forbidden: " +
                $"Internal error occurred: {defaults.Count} default IngressClasses were found, only 1 allowed");
        if (spec is null) ingress["spec"] = spec = new JsonObject();
        spec["ingressClassName"] = defaults[0];
    }
}
