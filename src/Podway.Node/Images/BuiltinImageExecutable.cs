namespace Podway.Node.Images;

/// <summary>
/// Which executable runs the built-in images' programs (`EXE image PROGRAM ...`): podway's native build when the
/// ./podway launcher names one built from the same sources (PODWAY_NATIVE_CLIENT), else this process's own. A Pod's
/// program then starts in a few milliseconds of CPU instead of the JIT's 0.05 s (pause) to 2 s (the edge, DNS).
/// </summary>
public static class BuiltinImageExecutable
{
    public const string NativeVariable = "PODWAY_NATIVE_CLIENT";

    public static string Current() =>
        Environment.GetEnvironmentVariable(NativeVariable) is { Length: > 0 } native && File.Exists(native)
            ? native
            : Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell the path of the podway executable");
}
