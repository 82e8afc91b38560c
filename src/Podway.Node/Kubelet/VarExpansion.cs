using System.Text;

namespace Podway.Node.Kubelet;

/// <summary>
/// Kubernetes' $(VAR) expansion (k8s.io/kubernetes/third_party/forked/golang/expansion): $(NAME) becomes the
/// variable's value when it is defined and stays as written otherwise; $$ escapes a '$'.
/// </summary>
internal static class VarExpansion
{
    public static string Expand(string input, Func<string, string?> lookup)
    {
        var sb = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != '$' || i + 1 >= input.Length) { sb.Append(input[i]); continue; }
            var next = input[i + 1];
            if (next == '$') { sb.Append('$'); i++; continue; }
            if (next != '(') { sb.Append('$'); continue; }
            var close = input.IndexOf(')', i + 2);
            if (close < 0) { sb.Append(input, i, input.Length - i); break; }
            var name = input[(i + 2)..close];
            sb.Append(name.Length > 0 && lookup(name) is { } value ? value : $"$({name})");
            i = close;
        }
        return sb.ToString();
    }
}
