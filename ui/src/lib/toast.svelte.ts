// Short confirmations ("Saved") that fade by themselves.

export const toast = $state({ message: '', seq: 0 });

let timer: ReturnType<typeof setTimeout> | undefined;

export function showToast(message: string, ms = 2200): void {
  toast.message = message;
  toast.seq++;
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(() => {
    toast.message = '';
    timer = undefined;
  }, ms);
}
