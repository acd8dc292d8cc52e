namespace UuLearning;

/// <summary>Where ONNX Runtime runs the MiniLM model.</summary>
public enum MiniLmExecutionProvider
{
    /// <summary>The CPU, through the Microsoft.ML.OnnxRuntime package this package depends on. The default.</summary>
    Cpu = 0,

    /// <summary>An NVIDIA GPU through ONNX Runtime's CUDA execution provider. Needs the Microsoft.ML.OnnxRuntime.Gpu
    /// package in the application with the CPU runtime's native library excluded (a PackageReference to
    /// Microsoft.ML.OnnxRuntime with <c>ExcludeAssets="native"</c>), and CUDA 13 and cuDNN 9 on the machine (for
    /// ONNX Runtime 1.31); without them the generator's constructor throws <see cref="InvalidOperationException"/>.</summary>
    Cuda = 1,
}
