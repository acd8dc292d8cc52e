using TorchSharp;

namespace UuLearning.Tests;

[Collection(TorchCollection.Name)]
public class SmokeTests
{
    [Fact]
    public void TorchSharp_ForwardAndBackward_Runs()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, -2, 3 }, requires_grad: true);
        var y = (x * x).sum();
        y.backward();
        Assert.Equal(new double[] { 2, -4, 6 }, x.grad!.data<double>().ToArray());
    }
}
