namespace UuLearning;

/// <summary>Where ONNX Runtime runs the MiniLM model.</summary>
public enum MiniLmExecutionProvider
{
    /// <summary>The CPU, through the Microsoft.ML.OnnxRuntime package this package depends on. The default.</summary>
    Cpu = 0,

    /// <summary>An NVIDIA GPU through ONNX Runtime's CUDA execution provider. Needs the Microsoft.ML.OnnxRuntime.Gpu
    /// package in the application (in place of the CPU runtime's native library), CUDA 12 and cuDNN 9 on the machine;
    /// without them the generator's constructor throws <see cref="InvalidOperationException"/>.</summary>
    Cuda = 1,
}
