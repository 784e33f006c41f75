/** Retries `assertion` every 5 ms until it passes, or throws its last error after `timeout` ms. */
export async function eventually(assertion: () => unknown, timeout = 1000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
