using Podway.Api.Errors;

namespace Podway.ApiServer.Proxy;

/// <summary>
/// A kubelet error relayed to the client as a Status, as kube-apiserver's GenericHttpResponseChecker does
/// (apierrors.NewGenericServerResponse: the reason follows the code, the message is the kubelet's text).
/// </summary>
internal static class KubeletResponseError
{
    public static ApiException From(int code, string body)
    {
        var (reason, fallback) = code switch
        {
            400 => ("BadRequest", "the server rejected our request for an unknown reason"),
            401 => ("Unauthorized", "the server has asked for the client to provide credentials"),
            403 => ("Forbidden", "forbidden"),
            404 => ("NotFound", "the server could not find the requested resource"),
            409 => ("Conflict", "the server reported a conflict"),
            500 => ("InternalError", "an error on the server has prevented the request from succeeding"),
            503 => ("ServiceUnavailable", "the server is currently unable to handle the request"),
            504 => ("Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"),
            _ => ("", $"the server responded with the status code {code} but did not return more information"),
        };
        var message = body.Trim();
        return new ApiException(code, reason, message.Length > 0 ? message : fallback);
    }
}
