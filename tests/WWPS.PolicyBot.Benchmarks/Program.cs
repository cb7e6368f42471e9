using BenchmarkDotNet.Running;

namespace WWPS.PolicyBot.Benchmarks;

public static class BenchmarkMain
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkMain).Assembly).Run(args);
}
