using TorchSharp;
using UuLearning.Internal;
using static TorchSharp.torch;

namespace UuLearning.Tests.Training;

/// <summary>The AdamW that holds its scalars must take the same steps as TorchSharp's <c>torch.optim.AdamW</c>.</summary>
[Collection(TorchCollection.Name)]
public class HeldScalarAdamWTests
{
    [Fact]
    public void Step_MatchesTorchAdamW_OverManyStepsWithAChangingLearningRate()
    {
        torch.manual_seed(5);
        using var a = nn.Sequential(("l1", nn.Linear(6, 4)), ("relu", nn.ReLU()), ("l2", nn.Linear(4, 1)));
        using var b = nn.Sequential(("l1", nn.Linear(6, 4)), ("relu", nn.ReLU()), ("l2", nn.Linear(4, 1)));
        using (var noGrad = torch.no_grad())
        {
            var pa = a.parameters().ToArray();
            var pb = b.parameters().ToArray();
            for (int i = 0; i < pa.Length; i++)
            {
                pb[i].copy_(pa[i]);
            }
        }
        using var ours = new HeldScalarAdamW(a.parameters(), 0.05, 0.01);
        using var reference = torch.optim.AdamW(b.parameters(), lr: 0.05, weight_decay: 0.01);
        var rng = new Random(6);
        for (int step = 0; step < 40; step++)
        {
            double lr = 0.05 * (1 + Math.Cos(Math.PI * step / 40)) / 2;
            ours.LearningRate = lr;
            reference.ParamGroups.First().LearningRate = lr;
            using var scope = NewDisposeScope();
            var x = torch.tensor(Enumerable.Range(0, 32 * 6).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(), new long[] { 32, 6 });
            ours.ZeroGrad();
            a.call(x).square().mean().backward();
            ours.Step();
            reference.zero_grad();
            b.call(x).square().mean().backward();
            reference.step();
        }
        var finalA = a.parameters().Select(p => p.detach().data<float>().ToArray()).ToArray();
        var finalB = b.parameters().Select(p => p.detach().data<float>().ToArray()).ToArray();
        double moved = 0;
        for (int i = 0; i < finalA.Length; i++)
        {
            for (int j = 0; j < finalA[i].Length; j++)
            {
                Assert.True(Math.Abs(finalA[i][j] - finalB[i][j]) < 1e-5, $"parameter {i}[{j}]: {finalA[i][j]} against {finalB[i][j]}");
            }
        }
        using (var noGrad = torch.no_grad())
        {
            torch.manual_seed(5);
            using var initial = nn.Sequential(("l1", nn.Linear(6, 4)), ("relu", nn.ReLU()), ("l2", nn.Linear(4, 1)));
            var start = initial.parameters().Select(p => p.detach().data<float>().ToArray()).ToArray();
            moved = start.Zip(finalA).Sum(pair => pair.First.Zip(pair.Second).Sum(v => Math.Abs(v.First - v.Second)));
        }
        Assert.True(moved > 0.1, $"the steps should move the parameters ({moved})");
    }
}
