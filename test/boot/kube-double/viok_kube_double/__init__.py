"""viok's TEST DOUBLE for the Kubernetes control-plane binaries (kubeadm, kube-apiserver). NOT Kubernetes.
Lives in viok's test/boot/; installed only into the boot-test image, never in viok's package."""
