export function App() {
  return (
    <main>
      <h1>SMS Sequences for Keap</h1>
    </main>
  );
}
