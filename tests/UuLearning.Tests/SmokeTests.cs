using TorchSharp;
public class SmokeTests
{
    [Fact]
    public void Forward_Backward_Runs()
    {
        var x = torch.randn(4, 3, requires_grad: true);
        var y = (x * x).sum();
        y.backward();
        Assert.Equal(new long[] { 4, 3 }, x.grad!.shape);
    }
}
